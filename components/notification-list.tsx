"use client";
import type { Notification } from "@/contracts/notification";
import { NotificationItem, type ItemActions } from "./notification-item";

export function NotificationList({ items, actions }: { items: Notification[]; actions: ItemActions }) {
  return (
    // role="list" stays explicit: Safari drops list semantics from a list-style: none <ul>.
    <ul className="list" role="list" aria-label="Notifications">
      {items.map((item) => (
        <NotificationItem key={item.id} item={item} actions={actions} />
      ))}
    </ul>
  );
}
