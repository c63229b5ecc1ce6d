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

    /**
     * A caller ID as the provider shows it, its last {@code hidden} digits (at least 4) replaced by {@code *}: the code
     * of a flash call is the last digits of the calling number, so they never reach a response, Redis or a log.
     * {@code 2190248642} becomes {@code 219024****}, {@code +7 495 000-11-22} becomes {@code +7 495 00*-**-**}.
     */
    public static String callerId(String number, int hidden) {
        if (number == null || number.isEmpty()) {
            return number;
        }
        int left = Math.max(4, hidden);
        char[] c = number.toCharArray();
        for (int i = c.length - 1; i >= 0 && left > 0; i--) {
            if (Character.isDigit(c[i])) {
                c[i] = '*';
                left--;
            }
        }
        return new String(c);
    }
}
