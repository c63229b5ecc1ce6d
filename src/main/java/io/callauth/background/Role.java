package io.callauth.background;

/** What a replica does ({@code callauth.roles}): serve the API and the console, run the background consumers, or both. */
public enum Role {
    /** the HTTP API and the console */
    API,
    /** the background consumers: call tracking, the archive ingester, the expiry sweep, the conversion monitor,
     * retention, and every consumer of the attempt stream */
    WORKER
}
