package telegramtest

import "github.com/go-telegram/bot/models"

// ImageFile is an image the user sent as a file (uncompressed, as "send
// as file" does with a screenshot); AddFile serves its bytes under fileID.
func ImageFile(chatID, fromID int64, fileID, mimeType string, size int) models.Update {
	update := Text(chatID, fromID, "")
	update.Message.Document = &models.Document{FileID: fileID, FileUniqueID: "u" + fileID,
		FileName: "screenshot.png", MimeType: mimeType, FileSize: int64(size)}
	return update
}

// Album marks updates (photos or files) as one album, the way Telegram
// delivers one: an update per item, sharing a media_group_id.
func Album(groupID string, updates ...models.Update) []models.Update {
	for _, u := range updates {
		u.Message.MediaGroupID = groupID
	}
	return updates
}

// GroupImageFile is ImageFile posted in the group chatID by from.
func GroupImageFile(chatID int64, from models.User, fileID string, size int) models.Update {
	update := GroupText(chatID, from, "")
	update.Message.Document = &models.Document{FileID: fileID, FileUniqueID: "u" + fileID,
		FileName: "screenshot.png", MimeType: "image/png", FileSize: int64(size)}
	return update
}
