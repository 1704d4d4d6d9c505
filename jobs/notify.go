package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/attest-hq/attest"
)

// Notifier is the notification service as the job queue sees it. Round
// records what happened as notices, gathers those due into digests and
// returns the messages to send; Deliver sends one message, and is told when
// it is the last attempt so that a failure is recorded for good.
type Notifier interface {
	Round(ctx context.Context, now time.Time) ([]int64, error)
	Deliver(ctx context.Context, deliveryID int64, final bool) error
}

// roundArgs is the periodic job that runs a notification round.
type roundArgs struct{}

func (roundArgs) Kind() string { return "notify" }

// A failed round is not retried: the next one comes within NotifyEvery.
func (roundArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: queue, MaxAttempts: 1} }

type roundWorker struct {
	river.WorkerDefaults[roundArgs]
	j *Jobs
}

func (w *roundWorker) Work(ctx context.Context, _ *river.Job[roundArgs]) error {
	ids, err := w.j.cfg.Notifier.Round(ctx, w.j.cfg.Now())
	for _, id := range ids {
		err = errors.Join(err, w.j.QueueDelivery(ctx, id))
	}
	return err
}

// deliverArgs is one message to send.
type deliverArgs struct {
	DeliveryID int64 `json:"delivery_id" river:"unique"`
}

func (deliverArgs) Kind() string { return "deliver" }

func (deliverArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: queue} }

type deliverWorker struct {
	river.WorkerDefaults[deliverArgs]
	j *Jobs
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[deliverArgs]) error {
	err := w.j.cfg.Notifier.Deliver(ctx, job.Args.DeliveryID, job.Attempt >= job.MaxAttempts)
	if err == nil {
		return nil
	}
	var se *attest.SendError
	switch {
	case errors.As(err, &se) && se.Permanent, permanent(err):
		// A wrong address or webhook, refused credentials: only a person
		// changing the settings can help.
		return river.JobCancel(err)
	case errors.As(err, &se) && se.RetryAfter > 0 && job.Attempt < job.MaxAttempts:
		// The channel said how long to wait (Slack's Retry-After).
		return river.JobSnooze(se.RetryAfter)
	}
	return err
}

func (w *deliverWorker) Timeout(*river.Job[deliverArgs]) time.Duration { return time.Minute }

func (w *deliverWorker) NextRetry(job *river.Job[deliverArgs]) time.Time {
	return time.Now().Add(backoff(w.j.cfg.RetryBase, job.Attempt))
}

// QueueDelivery queues a message for sending. A message already queued or
// being sent is not queued twice, so a round may hand over every message
// still waiting (those queued before a restart included).
func (j *Jobs) QueueDelivery(ctx context.Context, deliveryID int64) error {
	if j.cfg.Notifier == nil {
		return errors.New("this process sends no notifications")
	}
	opts := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: activeStates}}
	if _, err := j.insert(ctx, deliverArgs{DeliveryID: deliveryID}, opts); err != nil {
		return fmt.Errorf("queue message %d: %w", deliveryID, err)
	}
	return nil
}
