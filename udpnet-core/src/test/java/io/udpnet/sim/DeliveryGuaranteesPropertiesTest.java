package io.udpnet.sim;

import io.udpnet.impair.LinkConfig;
import io.udpnet.Delivery;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each delivery mode's guarantees under random mixes of loss, duplication, reordering, latency, jitter, corruption
 * and bandwidth limits, with message sizes from a few bytes to many fragments. Every run is a seeded simulation:
 * the failure message carries the seed and link, which replay it exactly.
 */
class DeliveryGuaranteesPropertiesTest {
    private static final int[][] RELIABLE_SIZES = {{32}, {8, 1200, 40_000}, {100, 5000, 7, 150_000, 64}, {1164, 1165}};
    private static final int[][] UNRELIABLE_SIZES = {{32}, {8, 1200, 30_000}, {100, 5000, 7, 36_000, 64}, {1164, 1165}};

    @Provide
    Arbitrary<LinkConfig> links() {
        Arbitrary<Double> loss = Arbitraries.doubles().between(0, 0.3);
        Arbitrary<Double> dup = Arbitraries.doubles().between(0, 0.2);
        Arbitrary<Double> reorder = Arbitraries.doubles().between(0, 0.3);
        Arbitrary<Double> corrupt = Arbitraries.doubles().between(0, 0.05);
        Arbitrary<Integer> latency = Arbitraries.integers().between(0, 100);
        Arbitrary<Integer> jitter = Arbitraries.integers().between(0, 20);
        Arbitrary<Long> bandwidth = Arbitraries.of(0L, 1_000_000L, 10_000_000L, 100_000_000L);
        return Combinators.combine(loss, dup, reorder, corrupt, latency, jitter, bandwidth)
                .as((l, d, r, c, lat, jit, bw) -> LinkConfig.builder().loss(l).duplication(d).reorder(r)
                        .corruption(c).latency(Duration.ofMillis(lat)).jitter(Duration.ofMillis(jit))
                        .bandwidth(bw).queueCapacity(256 * 1024).build());
    }

    private static void check(Delivery delivery, LinkConfig link, int[] sizes, int messages, long seed) {
        ScenarioReport r = Scenario.builder().delivery(delivery).messages(messages).sizes(sizes).link(link)
                .seed(seed).timeLimit(Duration.ofMinutes(30)).build().run();
        assertTrue(r.guaranteesHeld(), () -> "guarantee broken: " + r.toJson() + " link " + link);
    }

    @Property(tries = 400)
    void reliableOrderedDeliversEverythingOnceInOrder(@ForAll("links") LinkConfig link,
                                                     @ForAll @IntRange(max = 3) int sizes,
                                                     @ForAll @IntRange(min = 1, max = 120) int messages,
                                                     @ForAll long seed) {
        check(Delivery.RELIABLE_ORDERED, link, RELIABLE_SIZES[sizes], messages, seed);
    }

    @Property(tries = 400)
    void reliableUnorderedDeliversEverythingOnce(@ForAll("links") LinkConfig link,
                                                 @ForAll @IntRange(max = 3) int sizes,
                                                 @ForAll @IntRange(min = 1, max = 120) int messages,
                                                 @ForAll long seed) {
        check(Delivery.RELIABLE_UNORDERED, link, RELIABLE_SIZES[sizes], messages, seed);
    }

    @Property(tries = 400)
    void sequencedNeverDeliversOlderOrTwice(@ForAll("links") LinkConfig link,
                                            @ForAll @IntRange(max = 3) int sizes,
                                            @ForAll @IntRange(min = 1, max = 300) int messages,
                                            @ForAll long seed) {
        check(Delivery.UNRELIABLE_SEQUENCED, link, UNRELIABLE_SIZES[sizes], messages, seed);
    }

    @Property(tries = 400)
    void unreliableNeverDeliversTwiceOrCorrupt(@ForAll("links") LinkConfig link,
                                               @ForAll @IntRange(max = 3) int sizes,
                                               @ForAll @IntRange(min = 1, max = 300) int messages,
                                               @ForAll long seed) {
        check(Delivery.UNRELIABLE, link, UNRELIABLE_SIZES[sizes], messages, seed);
    }
}
