package io.onboarding.monitoring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gauge with one series per set of tags, set in one go from the latest reading. Unlike
 * Micrometer's MultiGauge with overwrite, a series that stays is updated in place, never removed
 * and registered again, so a scrape can never fall between the two and miss it.
 */
final class GaugeRows {

    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final Map<Tags, AtomicLong> values = new HashMap<>();
    private final Map<Tags, Gauge> gauges = new HashMap<>();

    GaugeRows(MeterRegistry registry, String name, String description) {
        this.registry = registry;
        this.name = name;
        this.description = description;
    }

    /** The series now: each row's value set, series no longer present removed. */
    synchronized void set(Map<Tags, Long> rows) {
        rows.forEach((tags, value) -> values.computeIfAbsent(tags, this::register).set(value));
        for (Iterator<Tags> known = values.keySet().iterator(); known.hasNext(); ) {
            Tags tags = known.next();
            if (!rows.containsKey(tags)) {
                registry.remove(gauges.remove(tags));
                known.remove();
            }
        }
    }

    private AtomicLong register(Tags tags) {
        AtomicLong value = new AtomicLong();
        gauges.put(tags, Gauge.builder(name, value, AtomicLong::get).description(description).tags(tags)
                .register(registry));
        return value;
    }
}
