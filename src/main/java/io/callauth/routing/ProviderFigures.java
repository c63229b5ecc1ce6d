package io.callauth.routing;

/**
 * One provider's figures in one destination group over the window: calls placed (a placement the provider refused
 * counts), delivered, verifications approved after its call was delivered, the median seconds from placing to
 * delivery (null without a timed delivery); and the same counts weighted by age (a bucket's weight halves every
 * half-life), which the choice uses.
 */
public record ProviderFigures(String provider, long placed, long delivered, long approved,
                              Double medianSecondsToDeliver, double weightedPlaced, double weightedDelivered,
                              double weightedApproved) {
}
