package telegramtest

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-telegram/bot/models"
)

// Telegram lets a bot download files up to 20 MB.
const maxDownloadBytes = 20 << 20

func init() {
	for _, m := range []method{
		{"getFile", withoutContext((*Server).getFile)},
		{"sendChatAction", withoutContext((*Server).sendChatAction)},
	} {
		methods[strings.ToLower(m.name)] = m
	}
}

// AddFile stores data as the file fileID (a photo size's, a voice note's or
// a document's file_id), for getFile and the download URL.
func (s *Server) AddFile(fileID string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = data
}

// filePath is the path getFile gives a file, as Telegram's look.
func filePath(fileID string) string { return "files/" + fileID }

func (s *Server) getFile(p params) reply {
	fileID := p["file_id"]
	if fileID == "" {
		return badRequest("Bad Request: file_id is required")
	}
	data, found := s.files[fileID]
	if !found {
		return badRequest("Bad Request: invalid file_id")
	}
	if len(data) > maxDownloadBytes {
		return badRequest("Bad Request: file is too big")
	}
	return ok(models.File{FileID: fileID, FileUniqueID: "u" + fileID, FileSize: int64(len(data)), FilePath: filePath(fileID)})
}

func (s *Server) sendChatAction(p params) reply {
	if p["chat_id"] == "" || p["action"] == "" {
		return badRequest("Bad Request: chat_id and action are required")
	}
	return ok(true)
}

// serveFile answers /file/bot<token>/<file_path>, the download URL.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	requestToken, path, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/file/bot"), "/")
	s.mu.Lock()
	data, found := s.files[strings.TrimPrefix(path, "files/")]
	s.mu.Unlock()
	if requestToken != token || !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.Write(data)
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: "download", Params: params{"file_path": path}, Code: http.StatusOK})
	s.broadcastLocked()
	s.mu.Unlock()
}
