// Admin endpoints for out-of-band damage and time travel in tests (issue 12 §6, certificate expiry):
//   POST /admin/nodes/<vmName>/services/<unit>  {"action":"stop"|"start"|"restart"} → the unit's state
//   POST /admin/clock                           {"advanceMs": N} → {"now": ISO time}
// The caller is already authenticated with the root admin's key (server.ts handleAdmin).
import type * as http from "node:http";
import { z } from "zod";
import type { NodeRuntime, SimClock } from "../contracts";
import { readBody } from "./requestParams";

export interface AdminNodeDeps {
  nodes?: Pick<NodeRuntime, "serviceAction">;
  clock?: SimClock;
}

const ServiceBody = z.object({ action: z.enum(["start", "stop", "restart"]) });
const ClockBody = z.object({ advanceMs: z.number().int().nonnegative() });

type Send = (status: number, body: unknown) => void;

async function jsonBody(req: http.IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString("utf8");
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return undefined;
  }
}

/** Handles the request and returns true when `pathname` is one of these endpoints. */
export async function handleAdminNodes(deps: AdminNodeDeps, req: http.IncomingMessage, pathname: string, send: Send): Promise<boolean> {
  const service = /^\/admin\/nodes\/([^/]+)\/services\/([A-Za-z0-9@._-]+)$/.exec(pathname);
  if (service && req.method === "POST") {
    const body = ServiceBody.safeParse(await jsonBody(req));
    if (!body.success) {
      send(400, { error: 'body must be {"action": "start" | "stop" | "restart"}' });
      return true;
    }
    const vmName = decodeURIComponent(service[1] ?? "");
    const unit = (service[2] ?? "").replace(/\.service$/, "");
    const state = deps.nodes?.serviceAction ? await deps.nodes.serviceAction(vmName, unit, body.data.action) : undefined;
    if (!state) send(404, { error: `no running VM named ${vmName}` });
    else send(200, { vm: vmName, unit, ...state });
    return true;
  }
  if (pathname === "/admin/clock") {
    if (req.method === "GET") {
      send(200, { now: new Date(deps.clock?.now() ?? Date.now()).toISOString() });
      return true;
    }
    if (req.method === "POST") {
      const body = ClockBody.safeParse(await jsonBody(req));
      if (!body.success) {
        send(400, { error: 'body must be {"advanceMs": <non-negative integer>}' });
        return true;
      }
      if (!deps.clock?.advance) {
        send(501, { error: "this simulator's clock cannot be moved" });
        return true;
      }
      deps.clock.advance(body.data.advanceMs);
      send(200, { now: new Date(deps.clock.now()).toISOString() });
      return true;
    }
  }
  return false;
}
