package io.callauth.defence;

/** What the defence does with what it finds ({@code callauth.defence.mode}). */
public enum DefenceMode {
    /** nothing: no windows, no rules */
    OFF,
    /** monitor-mode rules: refuse nothing, log what would have been refused */
    MONITOR,
    /** enforced temporary block rules */
    ENFORCE;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
