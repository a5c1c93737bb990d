// A modal question (native <dialog>: focus stays inside, Escape cancels).
import { useEffect, useRef } from 'preact/hooks';

interface Props {
  text: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({ text, confirmLabel, onConfirm, onCancel }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog
      ref={dialog}
      class="confirm"
      data-test="confirm"
      aria-labelledby="confirm-text"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <p id="confirm-text">{text}</p>
      <div class="actions">
        <button type="button" class="danger" data-test="confirm-yes" onClick={onConfirm}>
          {confirmLabel}
        </button>
        <button type="button" data-test="confirm-no" onClick={onCancel} autofocus>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
