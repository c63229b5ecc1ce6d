package io.callauth.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberToCarrierMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.Locale;
import java.util.Optional;

/**
 * Which network a number belongs to, from libphonenumber's carrier data (the {@code carrier} artifact released with
 * our libphonenumber). The data names the network a number range was assigned to: a number ported to another
 * network still reads as its range's original one, which is what a range-level signal (the defence, routing) wants.
 * Names are the English ones ("MTS", "Beeline", "MegaFon"). Pure and thread-safe; a lookup costs a parse and a
 * binary search over the country's prefixes (a few microseconds).
 */
public final class Carriers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final PhoneNumberToCarrierMapper MAPPER = PhoneNumberToCarrierMapper.getInstance();

    private Carriers() {
    }

    /** the carrier of an E.164 number, or empty when the data names none (or the number is not valid) */
    public static Optional<String> of(String e164) {
        if (e164 == null || e164.isBlank()) {
            return Optional.empty();
        }
        try {
            Phonenumber.PhoneNumber n = UTIL.parse(e164.startsWith("+") ? e164 : "+" + e164, null);
            String name = MAPPER.getNameForValidNumber(n, Locale.ENGLISH);
            return name == null || name.isBlank() ? Optional.empty() : Optional.of(name);
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /** the carrier of a number already parsed and known valid, or empty when the data names none */
    public static Optional<String> ofParsed(Phonenumber.PhoneNumber parsed) {
        String name = MAPPER.getNameForValidNumber(parsed, Locale.ENGLISH);
        return name == null || name.isBlank() ? Optional.empty() : Optional.of(name);
    }

    /** the ISO region of an E.164 number, or empty */
    public static Optional<String> regionOf(String e164) {
        if (e164 == null || e164.isBlank()) {
            return Optional.empty();
        }
        try {
            String r = UTIL.getRegionCodeForNumber(UTIL.parse(e164.startsWith("+") ? e164 : "+" + e164, null));
            return r == null || "ZZ".equals(r) ? Optional.empty() : Optional.of(r);
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }
}
