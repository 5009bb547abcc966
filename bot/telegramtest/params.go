package telegramtest

import (
	"encoding/json"
	"strconv"
	"strings"
)

// params are the decoded parameters of one call, every value as a string.
type params map[string]string

// chatID reads chat_id. Telegram also takes "@channelusername"; the fake
// knows no usernames, so it answers those as it answers an unknown chat.
func (p params) chatID() (int64, *reply) {
	raw := strings.TrimSpace(p["chat_id"])
	if raw == "" {
		failed := badRequest("chat_id is empty")
		return 0, &failed
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id == 0 {
		failed := badRequest("chat not found")
		return 0, &failed
	}
	return id, nil
}

// int reads an optional integer parameter; absent reads as def.
func (p params) int(name string, def int64) (int64, *reply) {
	raw := strings.TrimSpace(p[name])
	if raw == "" {
		return def, nil
	}
	value, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		failed := badRequest("invalid " + name + " specified")
		return 0, &failed
	}
	return value, nil
}

// bool reads an optional boolean parameter the way Telegram does: "true"
// and "1" are true, anything else false.
func (p params) bool(name string) bool {
	raw := strings.ToLower(strings.TrimSpace(p[name]))
	return raw == "true" || raw == "1"
}

// stringList reads a JSON-serialized list of strings such as allowed_updates.
// present is false when the parameter was not sent at all.
func (p params) stringList(name string) (list []string, present bool, failed *reply) {
	raw, present := p[name]
	if !present || strings.TrimSpace(raw) == "" {
		return nil, false, nil
	}
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		answer := badRequest("can't parse " + name + " JSON array")
		return nil, true, &answer
	}
	if list == nil {
		list = []string{}
	}
	return list, true, nil
}
