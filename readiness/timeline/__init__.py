"""The milestone timeline: each go-live's dated milestones, across waves."""
