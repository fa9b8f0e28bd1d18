import type { ComponentChildren, InputHTMLAttributes } from 'preact';

type FieldProps = {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  disabled?: boolean | undefined;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string | undefined;
};

type InputFieldProps = FieldProps & {
  type: 'text' | 'password' | 'number';
  autoComplete?: string;
  inputMode?: 'numeric';
  maxLength?: number;
  min?: number;
  max?: number;
  step?: number;
};

/** A `<label>` and its text-like `<input>` in the widget's style. */
export function InputField({ id, label, onValue, ...input }: InputFieldProps) {
  // Preact types <input> as a union discriminated by a literal `type`; ours is one of three, so the
  // checked props above are widened once here.
  const attributes = input as InputHTMLAttributes<HTMLInputElement>;
  return (
    <>
      <label class="msk-widget__label" for={id}>
        {label}
      </label>
      <input {...attributes} id={id} class="msk-widget__input" onInput={(event) => onValue(event.currentTarget.value)} />
    </>
  );
}

/** A `<label>` and its `<select>` (children: the `<option>`s) in the widget's style. */
export function SelectField({ id, label, onValue, children, ...select }: FieldProps & { children: ComponentChildren }) {
  return (
    <>
      <label class="msk-widget__label" for={id}>
        {label}
      </label>
      <select {...select} id={id} class="msk-widget__input" onChange={(event) => onValue(event.currentTarget.value)}>
        {children}
      </select>
    </>
  );
}
