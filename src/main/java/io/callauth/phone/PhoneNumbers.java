package io.callauth.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import io.callauth.common.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Phone numbers through libphonenumber: national formats ({@code 8 (916) 123-45-67}) in the default region,
 * international ones with or without the plus. Anything that is not a valid number is {@code invalid_phone}.
 */
@ApplicationScoped
public class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final java.util.regex.Pattern SHAPE = java.util.regex.Pattern.compile("\\+?[0-9(][0-9() .\\-]*");
    private final String defaultRegion;

    public PhoneNumbers(@ConfigProperty(name = "callauth.phone.default-region", defaultValue = "RU") String defaultRegion) {
        this.defaultRegion = defaultRegion;
    }

    /**
     * Whether a non-blank input looks like a phone number at all: one optional leading +, then digits and the usual
     * separators, starting with a digit or "(", at most 32 characters, no control characters. (Whether it is a valid
     * number is libphonenumber's to say, in {@link #normalise}.)
     */
    public static boolean hasShape(String raw) {
        String s = raw.strip();
        return s.length() <= 32 && SHAPE.matcher(s).matches() && raw.chars().noneMatch(Character::isISOControl);
    }

    public Phone normalise(String raw) {
        if (raw == null || raw.isBlank()) {
            throw ApiProblem.invalidRequest("phone is required");
        }
        String s = raw.strip();
        // one optional leading +, then digits and the usual separators, starting with a digit or "(": no "++7…",
        // no "-7…", no control characters (String.trim would quietly drop a trailing NUL)
        if (!hasShape(raw)) {
            throw ApiProblem.invalidPhone(
                    "phone must be an optional + followed by digits, spaces and ( ) - . only");
        }
        Phonenumber.PhoneNumber parsed = parse(s);
        // valid = a region of its calling code claims it and one of that region's number patterns matches it, which
        // is what isValidNumber computes; asked once here, with the region and the type the answer needs anyway
        String region = parsed == null ? null : UTIL.getRegionCodeForNumber(parsed);
        PhoneNumberUtil.PhoneNumberType type = region == null ? PhoneNumberUtil.PhoneNumberType.UNKNOWN
                : UTIL.getNumberType(parsed);
        if (type == PhoneNumberUtil.PhoneNumberType.UNKNOWN) {
            throw ApiProblem.invalidPhone("not a valid phone number");
        }
        String e164 = UTIL.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164);
        // the carrier from the parsed number: a binary search over the country's prefixes, no second parse
        return new Phone(e164, region, parsed.getCountryCode(), type, Carriers.ofParsed(parsed).orElse(null));
    }

    private Phonenumber.PhoneNumber parse(String s) {
        try {
            Phonenumber.PhoneNumber p = UTIL.parse(s, defaultRegion);
            if (!s.startsWith("+") && !UTIL.isValidNumber(p)) {
                // digits written internationally without the plus, e.g. 79161234567
                Phonenumber.PhoneNumber intl = UTIL.parse("+" + s.replaceAll("[^0-9]", ""), defaultRegion);
                if (UTIL.isValidNumber(intl)) {
                    return intl;
                }
            }
            return p;
        } catch (NumberParseException e) {
            return null;
        }
    }

    /** the first 8 digits of an E.164 number (the prefix the limits, rollups and rules use), or null */
    public static String prefixOf(String e164) {
        if (e164 == null) {
            return null;
        }
        String d = e164.startsWith("+") ? e164.substring(1) : e164;
        return d.length() <= 8 ? d : d.substring(0, 8);
    }

    /**
     * A normalised number: E.164, its ISO region, country calling code, libphonenumber type and carrier (the network
     * its range was assigned to, from libphonenumber's carrier data; null when the data names none).
     */
    public record Phone(String e164, String region, int countryCode, PhoneNumberUtil.PhoneNumberType type,
                        String carrier) {

        /** a number whose carrier is looked up from its E.164 form */
        public Phone(String e164, String region, int countryCode, PhoneNumberUtil.PhoneNumberType type) {
            this(e164, region, countryCode, type, Carriers.of(e164).orElse(null));
        }

        /** first 8 digits of E.164 (without the plus): the range a toll-fraud pump works on */
        public String prefix() {
            return prefixOf(e164);
        }
    }
}
