"use client";
// Asked once per user and visit, before anything of theirs is read: why support is looking (a ticket
// id or a sentence). It goes with every read and the user sees it under Settings.
import { useEffect, useId, useRef, useState } from "react";
import { SUPPORT_REASON_MAX_LENGTH } from "@/contracts/support";
import { checkReason } from "@/lib/support/reason";

interface SupportReasonFormProps {
  /** The user's name, as far as it is known. */
  name: string;
  initialReason?: string;
  /** The service refused the reason given (its 400 message). */
  serviceError?: string;
  onSubmit: (reason: string) => void;
  onCancel?: () => void;
}

export function SupportReasonForm({ name, initialReason = "", serviceError, onSubmit, onCancel }: SupportReasonFormProps) {
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(initialReason);
  const [error, setError] = useState<string | undefined>(serviceError);

  // The prompt is the one thing to do here: the field takes focus as it opens.
  useEffect(() => {
    field.current?.focus();
  }, []);

  const submit = () => {
    const check = checkReason(text);
    if (!check.ok) {
      setError(check.message);
      field.current?.focus();
      return;
    }
    setError(undefined);
    onSubmit(check.reason);
  };

  return (
    <section className="reason-form" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Why are you looking at {name}&apos;s inbox?</h2>
      <p className="settings-lead">
        Give a ticket number or a sentence. It is sent with every look at their data, kept in the access log, and shown to {name} under Settings.
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label htmlFor={`${id}-field`} className="reason-label">
          Reason
        </label>
        <input
          ref={field}
          id={`${id}-field`}
          className="search-input reason-input"
          type="text"
          value={text}
          required
          maxLength={SUPPORT_REASON_MAX_LENGTH + 50}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-help${error ? ` ${id}-error` : ""}`}
          placeholder="e.g. TICKET-1234: notifications missing on phone"
          onChange={(e) => setText(e.target.value)}
        />
        <p id={`${id}-help`} className="reason-help">
          Required, up to {SUPPORT_REASON_MAX_LENGTH} characters ({text.trim().length} so far).
        </p>
        {error && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="reason-actions">
          <button type="submit" className="btn btn-primary">
            Continue
          </button>
          {onCancel && (
            <button type="button" className="btn" onClick={onCancel}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
