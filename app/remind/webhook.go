package remind

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/ogptracker/ogptracker/app/model"
)

// errPermanent marks a webhook refusal that trying again will not change.
var errPermanent = errors.New("refused for good")

// postWebhook posts a message as Slack-compatible JSON ({"text": …}).
// A 4xx answer (but 408 and 429) is a refusal for good; anything else is
// tried again later.
func (r *Reminder) postWebhook(ctx context.Context, m model.OutboxMessage) error {
	body, err := json.Marshal(map[string]string{"text": m.Text})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.To, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: %v", errPermanent, err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := r.http.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return nil
	case res.StatusCode >= 400 && res.StatusCode < 500 && res.StatusCode != http.StatusTooManyRequests && res.StatusCode != http.StatusRequestTimeout:
		return fmt.Errorf("webhook answered %s: %w", res.Status, errPermanent)
	default:
		return fmt.Errorf("webhook answered %s", res.Status)
	}
}
