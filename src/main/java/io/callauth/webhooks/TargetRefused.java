package io.callauth.webhooks;

/** TEMPORARY stand-in for wt-21b's TargetRefused; replaced by theirs on merge. */
public class TargetRefused extends Exception {
    public TargetRefused(String message) {
        super(message);
    }
}
