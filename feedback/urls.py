from django.urls import path

from feedback.views import ideas, surveys, threads

app_name = "feedback"

urlpatterns = [
    path("", threads.thread_list, name="thread_list"),
    path("new/", threads.thread_new, name="thread_new"),
    path("<int:pk>/", threads.thread_detail, name="thread_detail"),
    path("<int:pk>/reply/", threads.thread_reply, name="thread_reply"),
    path("<int:pk>/resolve/", threads.thread_resolve_view, name="thread_resolve"),
    path("<int:pk>/reopen/", threads.thread_reopen_view, name="thread_reopen"),
    path("attachments/<str:token>/", threads.attachment_download, name="attachment"),
    path("survey/<str:token>/", surveys.survey_answer_view, name="survey_answer"),
    path("recommend/<str:token>/", surveys.nps_answer_view, name="nps_answer"),
    path("ideas/", ideas.idea_list, name="idea_list"),
    path("ideas/new/", ideas.idea_new, name="idea_new"),
    path("ideas/<int:pk>/", ideas.idea_detail, name="idea_detail"),
    path("ideas/<int:pk>/vote/", ideas.idea_vote_view, name="idea_vote"),
    path("ideas/<int:pk>/comment/", ideas.idea_comment_view, name="idea_comment"),
]
