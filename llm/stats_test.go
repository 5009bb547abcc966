package llm

// Test-only: the counters as one value, for the tests' assertions; the
// bot reads the stage's outcome per review, not these totals.

// Stats are the stage's counters since New.
type Stats struct {
	Reviews, Skipped, Debounced, OverBudget, CircuitOpen int64
	Calls, Cached, Answered, Failed                      int64
	// Raised and Lowered count verdicts whose level the answer changed.
	Raised, Lowered int64
	// Failures counts failed calls by reason (Reason* constants).
	Failures map[string]int64
}

// Stats returns the counters.
func (j *Judge) Stats() Stats {
	s := Stats{
		Reviews: j.stats.reviews.Load(), Skipped: j.stats.skipped.Load(), Debounced: j.stats.debounced.Load(),
		OverBudget: j.stats.overBudget.Load(), CircuitOpen: j.stats.circuitOpen.Load(),
		Calls: j.stats.calls.Load(), Cached: j.stats.cached.Load(), Answered: j.stats.answered.Load(),
		Failed: j.stats.failed.Load(), Raised: j.stats.raised.Load(), Lowered: j.stats.lowered.Load(),
		Failures: map[string]int64{},
	}
	j.stats.mu.Lock()
	for k, v := range j.stats.failures {
		s.Failures[k] = v
	}
	j.stats.mu.Unlock()
	return s
}
