package telegramtest

import (
	"encoding/json"
)

// PushRaw queues updates as raw JSON exactly as given, for updates that
// real clients choke on: Telegram has sent fields in shapes the library's
// models do not expect, and a bot must survive them. Unlike PushJSON, an
// update need not decode into models.Update; it must be a JSON object, and
// a missing or zero update_id is assigned as in Push. The fake learns
// nothing from these updates (no chats or users).
func (s *Server) PushRaw(rawUpdates ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rawUpdate := range rawUpdates {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal([]byte(rawUpdate), &fields); err != nil {
			s.t.Errorf("telegramtest: PushRaw: not a JSON object: %v\n%s", err, rawUpdate)
			continue
		}
		var id int64
		if err := json.Unmarshal(fields["update_id"], &id); err != nil || id == 0 {
			id = s.lastUpdateID + 1
			fields["update_id"], _ = json.Marshal(id)
		}
		raw, _ := json.Marshal(fields) // re-encoding decoded JSON cannot fail
		s.lastUpdateID = max(s.lastUpdateID, id)
		s.updates = append(s.updates, queuedUpdate{id: id, kind: updateKind(raw), raw: raw})
	}
	s.broadcastLocked()
}
