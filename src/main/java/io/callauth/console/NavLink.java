package io.callauth.console;

/** a tab of the console's header ({@link ConsolePages#NAV}): {@code id} is what a page passes as its {@code nav} */
public record NavLink(String id, String href, String label) {
}
