"""Map layers and the view logic shared by the app and the exports."""
