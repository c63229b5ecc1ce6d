package io.callauth.webhooks;

/**
 * An endpoint's URL may not be sent to now: it resolves to an address callauth does not send to (DNS rebinding since
 * its registration), it no longer passes the rules (scheme, user-info), or its host does not resolve. The delivery
 * counts as a failed try; the message names the reason and never an address behind it.
 */
public final class TargetRefused extends RuntimeException {

    public TargetRefused(String message) {
        super(message, null, false, false);
    }
}
