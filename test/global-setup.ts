/** Runs in Node before the workerd test pool: starts the local subscriber every fan-out test posts to. */
import type { TestProject } from "vitest/node";
import { startSink } from "./support/sink-server";
import "./support/sink-types";

export default async function setup(project: TestProject) {
	const { server, port } = await startSink();
	project.provide("sinkPort", port);
	return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
