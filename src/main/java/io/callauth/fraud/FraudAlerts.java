package io.callauth.fraud;

import java.time.Instant;

/**
 * Told of every toll-fraud alert the conversion monitor raises: how other capabilities (the webhooks'
 * {@code fraud.alert} event) follow the alerts without the monitor knowing them. An implementation must not block
 * (hand blocking work to a thread of its own) and must not throw.
 */
public interface FraudAlerts {

    /** {@code hour}: the hour of the epoch the alert is about (one alert per scope, key and hour) */
    void raised(ConversionMonitor.Alert alert, long hour, Instant at);
}
