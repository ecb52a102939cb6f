// The product's mark (the same drawing as public/icons), inline so it costs no request.
export function BrandMark({ className }: { className?: string }) {
  return (
    <svg className={className} viewBox="0 0 64 64" width="28" height="28" aria-hidden="true" focusable="false">
      <rect width="64" height="64" rx="14" fill="#0b5cad" />
      <path d="M14 22h36v22a4 4 0 0 1-4 4H18a4 4 0 0 1-4-4z" fill="#fff" />
      <path d="M14 34h11l3 5h8l3-5h11" fill="none" stroke="#0b5cad" strokeWidth="3.5" strokeLinejoin="round" />
      <circle cx="48" cy="18" r="8" fill="#ff6b5a" stroke="#0b5cad" strokeWidth="3" />
    </svg>
  );
}
