package io.onboarding.cluster;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The default policy: the candidate with the most headroom (capacity minus live tenants) that has
 * any; a tie goes to the fewer tenants, then to the first name in alphabetical order, so the
 * choice is the same on every instance.
 */
public final class MostHeadroom implements PlacementPolicy {

    @Override
    public Optional<String> choose(String region, List<Candidate> candidates) {
        return candidates.stream().filter(candidate -> candidate.headroom() > 0)
                .min(Comparator.comparingLong(Candidate::headroom).reversed()
                        .thenComparingLong(Candidate::tenants).thenComparing(Candidate::name))
                .map(Candidate::name);
    }
}
