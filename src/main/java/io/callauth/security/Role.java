package io.callauth.security;

public enum Role {
    /** client applications: start and check verifications */
    VERIFY,
    /** the fraud team: attempt log and console */
    FRAUD
}
