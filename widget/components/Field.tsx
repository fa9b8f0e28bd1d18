import type { ComponentChildren } from 'preact';

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
export function InputField({ id, label, onValue, type, ...input }: InputFieldProps) {
  return (
    <>
      <label class="msk-widget__label" for={id}>
        {label}
      </label>
      {/* Typed per `type` branch: preact's input attributes are a union discriminated by `type`. */}
      {type === 'password' ? (
        <input {...input} type="password" id={id} class="msk-widget__input" onInput={(event) => onValue(event.currentTarget.value)} />
      ) : (
        <input {...input} type={type} id={id} class="msk-widget__input" onInput={(event) => onValue(event.currentTarget.value)} />
      )}
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
