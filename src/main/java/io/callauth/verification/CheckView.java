package io.callauth.verification;

/** Answer to a check: {@code valid}, the status after the check, tries left. */
public record CheckView(String id, boolean valid, String status, int attemptsLeft) {
}
