"use client";
// The loaded runtime config and MSAL instance, for components under an AuthBoundary.
import { createContext, useContext } from "react";
import type { AuthRuntime } from "./msal-instance";

export const AuthRuntimeContext = createContext<AuthRuntime | null>(null);

export function useAuthRuntime(): AuthRuntime {
  const runtime = useContext(AuthRuntimeContext);
  if (!runtime) throw new Error("useAuthRuntime must be used inside an AuthBoundary");
  return runtime;
}
