"use client";
// Search as you type (debounced so each keystroke is not a request); Enter searches at once,
// Escape clears.
import { useEffect, useId, useRef, useState } from "react";

const DEBOUNCE_MS = 300;

export function SearchBox({ value, onSearch }: { value: string; onSearch: (text: string) => void }) {
  const id = useId();
  const [text, setText] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  function commit(next: string) {
    clearTimeout(timer.current);
    onSearch(next.trim());
  }

  function change(next: string) {
    setText(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => onSearch(next.trim()), DEBOUNCE_MS);
  }

  return (
    <form
      className="search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        commit(text);
      }}
    >
      <label htmlFor={id} className="sr-only">
        Search notifications
      </label>
      <input
        id={id}
        className="search-input"
        type="search"
        placeholder="Search"
        value={text}
        autoComplete="off"
        enterKeyHint="search"
        onChange={(e) => change(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape" && text !== "") {
            // Clear the search only; an empty box lets Escape do whatever else it does.
            e.preventDefault();
            setText("");
            commit("");
          }
        }}
      />
    </form>
  );
}
