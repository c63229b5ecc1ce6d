package io.callauth.phone;

/**
 * Where a call goes, as routing groups destinations: country + carrier when the carrier data names the number's
 * network, else country + the first 5 digits of the E.164 number. {@link #key()} is stable (it names Redis keys and
 * API groups): {@code RU/MTS} or {@code RU/+79161}.
 */
public record DestinationGroup(String country, String carrier, String prefix) {

    /** the group of an E.164 number; {@code country} may be given when the caller already knows it */
    public static DestinationGroup of(String e164, String country) {
        String c = country != null && !country.isBlank() ? country : Carriers.regionOf(e164).orElse("ZZ");
        return Carriers.of(e164)
                .map(carrier -> new DestinationGroup(c, carrier, null))
                .orElseGet(() -> new DestinationGroup(c, null, prefix5(e164)));
    }

    public String key() {
        return country + "/" + (carrier != null ? carrier : prefix);
    }

    private static String prefix5(String e164) {
        if (e164 == null) {
            return "?";
        }
        String d = e164.startsWith("+") ? e164.substring(1) : e164;
        return "+" + d.substring(0, Math.min(5, d.length()));
    }
}
