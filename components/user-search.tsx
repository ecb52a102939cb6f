"use client";
// Support's people search: a labelled field, the answer as a list of links. Down arrow enters the
// list, arrows move, Escape returns to the field; Tab and Enter work as on any links.
import Link from "next/link";
import { useId, useRef, type KeyboardEvent } from "react";
import type { DirectoryUser } from "@/contracts/support";
import { FIELD, moveFocus } from "@/lib/support/list-keys";
import { rememberUser, userLabel } from "@/lib/support/known-users";
import { ErrorState } from "./error-state";
import { RelativeTime } from "./relative-time";

interface UserSearchProps {
  text: string;
  onTextChange: (text: string) => void;
  /** The words the shown answer is for. */
  query: string;
  users: DirectoryUser[] | undefined;
  hasMore: boolean;
  error: Error | undefined;
  isSearching: boolean;
  onRetry: () => void;
}

export const supportUserHref = (id: string) => `/support/users/${encodeURIComponent(id)}`;

function statusText({ text, query, users, hasMore, isSearching, error }: UserSearchProps): string {
  if (text.trim() === "") return "Type part of a name or an email address.";
  if (error) return "";
  if (!users || (isSearching && users.length === 0)) return "Searching…";
  if (users.length === 0) return `No one matches “${query}”.`;
  const count = users.length === 1 ? "1 person matches" : `${users.length} people match`;
  return `${count} “${query}”.${hasMore ? " Showing the first ones: type more to narrow it down." : ""}`;
}

export function UserSearch(props: UserSearchProps) {
  const { text, onTextChange, users, error, onRetry } = props;
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const shown = text.trim() === "" ? [] : (users ?? []);

  const focusAt = (index: number) => {
    if (index === FIELD) {
      field.current?.focus();
      return;
    }
    list.current?.querySelectorAll<HTMLAnchorElement>("a")[index]?.focus();
  };

  const onKeyDown = (index: number) => (event: KeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const next = moveFocus(event.key, index, shown.length);
    if (next === null) return;
    event.preventDefault();
    focusAt(next);
  };

  return (
    <div className="user-search">
      <form role="search" aria-label="People" onSubmit={(e) => e.preventDefault()} className="user-search-form">
        <label htmlFor={`${id}-field`} className="user-search-label">
          Find a user
        </label>
        <input
          ref={field}
          id={`${id}-field`}
          className="search-input"
          type="search"
          value={text}
          autoComplete="off"
          spellCheck={false}
          enterKeyHint="search"
          aria-describedby={`${id}-status`}
          aria-controls={`${id}-results`}
          placeholder="Name or email address"
          onChange={(e) => onTextChange(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape" && text !== "") {
              e.preventDefault();
              onTextChange("");
              return;
            }
            onKeyDown(FIELD)(e);
          }}
        />
      </form>
      <p id={`${id}-status`} className="user-search-status" role="status">
        {statusText(props)}
      </p>
      {error && <ErrorState title="The search did not work" error={error} onRetry={onRetry} />}
      <ul ref={list} id={`${id}-results`} className="list user-results" role="list" aria-label="People found" hidden={shown.length === 0}>
        {shown.map((user, index) => (
          <li key={user.id}>
            <Link href={supportUserHref(user.id)} className="user-result" onClick={() => rememberUser(user)} onKeyDown={onKeyDown(index)}>
              <span className="user-result-name">{userLabel(user)}</span>
              {user.userPrincipalName && <span className="user-result-upn">{user.userPrincipalName}</span>}
              <span className="user-result-seen">
                {user.lastSeenDateTime ? (
                  <>
                    Last used the app <RelativeTime iso={user.lastSeenDateTime} />
                  </>
                ) : (
                  "Has never signed in to the app"
                )}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
