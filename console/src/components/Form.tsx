// Form helpers shared by every console page: one state hook (values, per-field errors, the
// server's problem, busy), fields that show their error beside them, and a Form that validates
// on the client first and then maps the server's problem+json field errors onto the same fields.
// Field names are the API's body field names, so a server pointer '/region' lands on 'region'.
import { type FormEvent, type ReactNode, useCallback, useId, useRef, useState } from 'react';
import { type ApiError, asApiError } from '../api.ts';
import { ProblemBanner } from './ProblemBanner.tsx';

export type FieldErrors<F> = Partial<Record<keyof F & string, string>>;

export interface FormState<F> {
  values: F;
  errors: FieldErrors<F>;
  problem: ApiError | null;
  busy: boolean;
  set<K extends keyof F & string>(name: K, value: F[K]): void;
  reset(values?: F): void;
  /** Submit handler: client validation, then the action; server errors land on the fields. */
  submit(action: (values: F) => Promise<void>): (e: FormEvent<HTMLFormElement>) => void;
}

export function useForm<F extends object>(initial: F, validate: (v: F) => FieldErrors<F>): FormState<F> {
  const [values, setValues] = useState<F>(initial);
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const initialRef = useRef(initial);

  const set = useCallback(<K extends keyof F & string>(name: K, value: F[K]) => {
    setValues((v) => ({ ...v, [name]: value }));
    // An edited field's error is stale; let the next submit judge it again.
    setErrors((e) => {
      if (e[name] === undefined) return e;
      const next = { ...e };
      delete next[name];
      return next;
    });
  }, []);

  const reset = useCallback((v?: F) => {
    setValues(v ?? initialRef.current);
    setErrors({});
    setProblem(null);
  }, []);

  const submit =
    (action: (values: F) => Promise<void>) =>
    (e: FormEvent<HTMLFormElement>): void => {
      e.preventDefault();
      const form = e.currentTarget;
      const found = validate(values);
      setProblem(null);
      if (Object.keys(found).length > 0) {
        setErrors(found);
        focusFirstInvalid(form, Object.keys(found));
        return;
      }
      setErrors({});
      setBusy(true);
      action(values).then(
        () => setBusy(false),
        (err: unknown) => {
          const apiError = asApiError(err);
          const fields = apiError.fieldErrors() as FieldErrors<F>;
          setErrors(fields);
          setProblem(apiError);
          setBusy(false);
          focusFirstInvalid(form, Object.keys(fields));
        },
      );
    };

  return { values, errors, problem, busy, set, reset, submit };
}

function focusFirstInvalid(form: HTMLFormElement, names: string[]): void {
  // After React has rendered the messages.
  requestAnimationFrame(() => {
    for (const el of Array.from(form.elements)) {
      const name = (el as HTMLInputElement).name;
      if (name && names.includes(name)) {
        (el as HTMLElement).focus();
        return;
      }
    }
  });
}

/** A form with the server's problem on top and the actions below. */
export function Form<F>({
  form,
  onSubmit,
  submitLabel,
  busyLabel,
  onCancel,
  children,
  label,
}: {
  form: FormState<F>;
  onSubmit: (values: F) => Promise<void>;
  submitLabel: string;
  busyLabel?: string;
  onCancel?: () => void;
  children: ReactNode;
  label: string;
}) {
  return (
    <form className="form" noValidate onSubmit={form.submit(onSubmit)} aria-label={label}>
      <ProblemBanner error={form.problem} shownFields={Object.keys(form.errors)} />
      <div className="form-fields">{children}</div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={form.busy}>
          {form.busy ? (busyLabel ?? 'Saving…') : submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel} disabled={form.busy}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

export interface FieldControlProps {
  id: string;
  name: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

/** A labelled field with its hint and its error beside it; the control comes from the caller. */
export function Field({
  label,
  name,
  error,
  hint,
  required,
  children,
}: {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  required?: boolean;
  children: (props: FieldControlProps) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`} data-field={name}>
      <label htmlFor={id}>
        {label}
        {required && (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      {children({ id, name, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
      {error && (
        <div className="field-error" id={errorId}>
          {error}
        </div>
      )}
      {hint && !error && (
        <div className="field-hint" id={hintId}>
          {hint}
        </div>
      )}
    </div>
  );
}

type StringKeys<F> = { [K in keyof F & string]: F[K] extends string ? K : never }[keyof F & string];
type BooleanKeys<F> = { [K in keyof F & string]: F[K] extends boolean ? K : never }[keyof F & string];

export function TextField<F>({
  form,
  name,
  label,
  hint,
  required,
  type = 'text',
  autoComplete,
  placeholder,
  list,
}: {
  form: FormState<F>;
  name: StringKeys<F>;
  label: string;
  hint?: string;
  required?: boolean;
  type?: 'text' | 'password' | 'number' | 'search';
  autoComplete?: string;
  placeholder?: string;
  list?: string;
}) {
  return (
    <Field label={label} name={name} error={form.errors[name]} hint={hint} required={required}>
      {(p) => (
        <input
          {...p}
          type={type}
          value={form.values[name] as string}
          onChange={(e) => form.set(name, e.target.value as F[typeof name])}
          autoComplete={autoComplete}
          placeholder={placeholder}
          list={list}
        />
      )}
    </Field>
  );
}

export function SelectField<F>({
  form,
  name,
  label,
  options,
  hint,
  required,
  onChange,
}: {
  form: FormState<F>;
  name: StringKeys<F>;
  label: string;
  options: readonly { value: string; label: string }[];
  hint?: string;
  required?: boolean;
  onChange?: (value: string) => void;
}) {
  return (
    <Field label={label} name={name} error={form.errors[name]} hint={hint} required={required}>
      {(p) => (
        <select
          {...p}
          value={form.values[name] as string}
          onChange={(e) => {
            form.set(name, e.target.value as F[typeof name]);
            onChange?.(e.target.value);
          }}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function CheckboxField<F>({
  form,
  name,
  label,
  hint,
}: {
  form: FormState<F>;
  name: BooleanKeys<F>;
  label: string;
  hint?: string;
}) {
  const id = useId();
  const error = form.errors[name];
  return (
    <div className={`field field-checkbox${error ? ' field-invalid' : ''}`} data-field={name}>
      <label htmlFor={id}>
        <input
          id={id}
          name={name}
          type="checkbox"
          checked={form.values[name] as boolean}
          onChange={(e) => form.set(name, e.target.checked as F[typeof name])}
          aria-invalid={Boolean(error)}
        />{' '}
        {label}
      </label>
      {error && <div className="field-error">{error}</div>}
      {hint && !error && <div className="field-hint">{hint}</div>}
    </div>
  );
}
