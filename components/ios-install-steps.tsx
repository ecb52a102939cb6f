// How to put Inbox on an iPhone's or iPad's Home Screen: the only install there, and what iOS asks
// before it lets a web app send notifications.
import { ShareGlyph } from "./share-glyph";

export function IosInstallSteps() {
  return (
    <ol className="install-steps">
      <li>
        Tap{" "}
        <span className="install-steps-button">
          <ShareGlyph /> Share
        </span>{" "}
        in the browser&apos;s toolbar.
      </li>
      <li>
        Choose <strong>Add to Home Screen</strong>, then <strong>Add</strong>.
      </li>
      <li>Open Inbox from your Home Screen and turn notifications on there.</li>
    </ol>
  );
}
