import 'uplot/dist/uPlot.min.css';
import './app.css';
import { render } from 'preact';
import { App } from './app';
import { applyStoredTheme } from './theme';

applyStoredTheme();
render(<App />, document.getElementById('app')!);
