package io.callauth.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.callauth.common.InRange;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import org.junit.jupiter.api.Test;

class ConfigRangesTest {

    @ConfigMapping(prefix = "callauth.sample")
    interface Sample {
        @InRange(min = 4, max = 8)
        int codeLength();

        @InRange(min = 1000)
        long bufferMax();

        @WithName("ratio")
        @InRange(min = 0.0, max = 1.0)
        double alertRatio();

        Group ingest();

        @InRange(min = 1000)
        java.time.Duration bucket();

        default int unchecked() {
            return -1;
        }

        interface Group {
            @InRange(min = 1, max = 64)
            int workers();
        }
    }

    record Values(int codeLength, long bufferMax, double alertRatio, int workers, java.time.Duration bucket)
            implements Sample {
        Values(int codeLength, long bufferMax, double alertRatio, int workers) {
            this(codeLength, bufferMax, alertRatio, workers, java.time.Duration.ofMinutes(1));
        }

        @Override
        public Group ingest() {
            return () -> workers;
        }
    }

    @Test
    void valuesInRangeRaiseNothing() {
        assertThat(ConfigRanges.problems(Sample.class, new Values(4, 1000, 1.0, 64))).isEmpty();
        assertThat(ConfigRanges.problems(Sample.class, new Values(8, 5_000_000, 0.0, 1))).isEmpty();
    }

    @Test
    void eachValueOutOfRangeIsNamedWithItsEnvironmentVariableAndBounds() {
        assertThat(ConfigRanges.problems(Sample.class, new Values(2, 999, 1.5, 0))).containsExactly(
                "callauth.sample.ratio (CALLAUTH_SAMPLE_RATIO) is 1.5: it must be between 0 and 1",
                "callauth.sample.buffer-max (CALLAUTH_SAMPLE_BUFFER_MAX) is 999: it must be at least 1000",
                "callauth.sample.code-length (CALLAUTH_SAMPLE_CODE_LENGTH) is 2: it must be between 4 and 8",
                "callauth.sample.ingest.workers (CALLAUTH_SAMPLE_INGEST_WORKERS) is 0: it must be between 1 and 64");
    }

    @Test
    void aDurationIsCheckedInMilliseconds() {
        assertThat(ConfigRanges.problems(Sample.class, new Values(4, 1000, 1.0, 64, java.time.Duration.ofSeconds(1))))
                .isEmpty();
        assertThat(ConfigRanges.problems(Sample.class, new Values(4, 1000, 1.0, 64, java.time.Duration.ZERO)))
                .containsExactly("callauth.sample.bucket (CALLAUTH_SAMPLE_BUCKET) is PT0S: it must be at least 1000 "
                        + "milliseconds");
    }
}
