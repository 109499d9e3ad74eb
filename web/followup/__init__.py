"""The follow-up questionnaire a volunteer or newcomer answers through their link, without logging in."""
