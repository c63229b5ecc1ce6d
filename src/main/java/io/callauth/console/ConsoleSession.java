package io.callauth.console;

/**
 * A signed-in console user: the API key's name (the actor named in the rules' audit trail; never the key itself),
 * the session's CSRF token and when it was opened. {@code id} is the cookie value, known only to the browser and to
 * this request: Redis keeps the session under the SHA-256 of it.
 */
public record ConsoleSession(String id, String user, String csrf, long createdAt) {

    /** the actor the rules' audit trail names for a change made in the console */
    public String actor() {
        return "console:" + user;
    }
}
