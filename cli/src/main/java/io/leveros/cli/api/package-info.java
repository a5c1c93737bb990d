/** HTTP clients for the control plane's REST API and the data plane's HTTP API. */
package io.leveros.cli.api;
