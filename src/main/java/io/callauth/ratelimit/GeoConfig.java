package io.callauth.ratelimit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** {@code callauth.geo}: where calls may go (see {@link DestinationPolicy}). */
@ConfigMapping(prefix = "callauth.geo")
public interface GeoConfig {

    /** ISO regions a number may belong to */
    @WithDefault("RU,KZ")
    List<String> allowedRegions();

    /** E.164 prefixes (digits) refused wherever they are */
    Optional<List<String>> deniedPrefixes();

    /** libphonenumber number types refused ({@code none} for none) */
    @WithDefault("premium_rate,shared_cost,uan,voicemail,unknown,toll_free,pager")
    List<String> deniedNumberTypes();
}
