// What a signed-in user without the support role sees at /support (the service answers 403 anyway).
import Link from "next/link";

export function SupportOnlyState() {
  return (
    <div className="state support-only">
      <h1 className="settings-title">This area is for support staff</h1>
      <p>
        Support staff look up a user&apos;s inbox, devices and deliveries here. Your account does not have the support role
        (Notifications.Support.Read); ask your administrator if you need it.
      </p>
      <Link href="/" className="btn btn-primary">
        Back to your inbox
      </Link>
    </div>
  );
}
