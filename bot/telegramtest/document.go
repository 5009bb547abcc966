package telegramtest

func init() {
	methods["senddocument"] = method{"sendDocument", withoutContext((*Server).sendDocument)}
}

// sendDocument serves https://core.telegram.org/bots/api#senddocument for
// an uploaded file: the recorded call's Params hold the file's content as
// "document" and its name as "document.filename". The caption is checked
// like a message's text (parse_mode included) when there is one.
func (s *Server) sendDocument(p params) reply {
	chatID, failed := p.chatID()
	if failed != nil {
		return *failed
	}
	if failed := s.checkCanSendLocked(chatID); failed != nil {
		return *failed
	}
	if p["document"] == "" {
		return badRequest("there is no document in the request")
	}
	message := &storedMessage{chat: s.chatLocked(chatID), date: now(), fromBot: true}
	if p["caption"] != "" {
		caption, failed := renderText(params{"text": p["caption"], "parse_mode": p["parse_mode"]})
		if failed != nil {
			return *failed
		}
		message.text = caption
	}
	key := messageKey{chatID: chatID, messageID: nextMessageID()}
	s.messages[key] = message
	return ok(message.wire(key.messageID))
}
