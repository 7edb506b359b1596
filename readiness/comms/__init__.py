"""The communications and engagement plan: plan items, engagement events and attendance."""
