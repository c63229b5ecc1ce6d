package io.callauth.common;

/** Phone numbers never reach a log in full. */
public final class Masking {
    private Masking() {
    }

    /** {@code +79161234567} becomes {@code +7916***67}. */
    public static String phone(String e164) {
        if (e164 == null) {
            return null;
        }
        int n = e164.length();
        if (n <= 6) {
            return "***";
        }
        int keepHead = Math.min(5, n - 4);
        return e164.substring(0, keepHead) + "***" + e164.substring(n - 2);
    }
}
