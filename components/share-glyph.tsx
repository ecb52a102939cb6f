// iOS's Share symbol (a square with an arrow out of its top), drawn inline beside the word "Share" so
// an iPhone user recognises the button the steps name.
export function ShareGlyph() {
  return (
    <svg className="share-glyph" viewBox="0 0 16 20" width="14" height="18" aria-hidden="true" focusable="false">
      <path d="M5.5 7.5H3.5a1 1 0 0 0-1 1v9a1 1 0 0 0 1 1h9a1 1 0 0 0 1-1v-9a1 1 0 0 0-1-1h-2" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
      <path d="M8 12.5V1.5M4.75 4.5 8 1.25l3.25 3.25" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
