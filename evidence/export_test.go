package evidence

// ControlSummaryStats counts the control summaries the service served kept
// and those it derived, so that a test can tell it exercised both.
func ControlSummaryStats(s *Service) (hits, misses int64) { return s.controls.Stats() }
