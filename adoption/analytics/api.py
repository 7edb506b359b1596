"""Adoption analytics over the API: the metric catalogue, daily series of any metric,
recorded change markers and before/after comparisons. Every figure is for areas the
caller may see; writes need MANAGE_ADOPTION on the programme (checked by the services)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.request import Request
from rest_framework.response import Response

from adoption.analytics import before_after as comparisons
from adoption.analytics import builtins, comparison, dashboard, markers, metrics
from adoption.analytics import cache as analytics_cache
from adoption.analytics.forms import EARLIEST_DAY, LATEST_DAY
from adoption.models import ChangeMarker, Metric
from golive import definitions
from golive.access import Access, Capability
from golive.api import FigureDefinitionSerializer
from golive.api_errors import ERROR_RESPONSES, service_errors
from golive.api_fields import BoundedDateField
from golive.api_permissions import api_access
from golive.dashboard import visible_scope
from golive.http import signed_in_user
from golive.models import Area, GoLive, Programme, RoleGroup

MAX_DAYS = 366
MARKER_KINDS = [value for value, _ in ChangeMarker.Kind.choices]


@extend_schema_field(
    {"type": "string", "description": "What changed: one of " + ", ".join(MARKER_KINDS) + "."}
)
class MarkerKindField(serializers.ChoiceField):
    """Documented without an enum component: drf-spectacular would name it "Kind", which
    the import kinds already use (and the shared settings hold no override)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ChangeMarker.Kind.choices, **kwargs)


def _scope_choices(
    serializer: serializers.Serializer,
    *,
    programmes: bool = False,
    metrics: bool = False,
    areas: bool = False,
) -> None:
    """Ids the caller may name: others read as "does not exist", never "not yours", so
    the API does not reveal what exists elsewhere."""
    access: Access | None = serializer.context.get("access")
    if access is None:
        return
    fields = serializer.fields
    if programmes:
        cast(Any, fields["programme"]).queryset = access.programmes()
    if metrics:
        visible = Metric.objects.filter(programme__in=access.programmes())
        cast(Any, fields["numerator"]).queryset = visible
        cast(Any, fields["denominator"]).queryset = visible
    if areas:
        cast(Any, fields["areas"]).child_relation.queryset = access.areas()


class AccessContext:
    """Puts the request's ``Access`` in serializer context (for ``_scope_choices``)."""

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]
        request: Request = cast(Any, self).request
        context["access"] = api_access(request)
        return context


# Metrics.


class MetricSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="For a count: the events counted. For people (active users, shares of "
        "staff): those who did at least one of these that day. Empty: every type.",
    )
    order_types = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="For a count: orders of these types. For people: those who placed an order "
        "of one of these types (event types then empty or only order_placed). Empty: all.",
    )
    definition = serializers.SerializerMethodField(
        help_text="The metric's definition in words, written from its settings (a built-in "
        "as shipped: its registered definition, also at /api/v1/definitions/)."
    )
    definition_key = serializers.SerializerMethodField(
        help_text="A built-in as shipped: its key in the definitions registry; else null."
    )
    role_groups = serializers.ListField(child=serializers.CharField(), required=False)
    numerator = serializers.PrimaryKeyRelatedField(
        queryset=Metric.objects.all(), allow_null=True, required=False
    )
    denominator = serializers.PrimaryKeyRelatedField(
        queryset=Metric.objects.all(), allow_null=True, required=False
    )
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())

    class Meta:
        model = Metric
        fields = (
            "id",
            "programme",
            "name",
            "description",
            "aggregate",
            "event_types",
            "order_types",
            "role_groups",
            "numerator",
            "denominator",
            "unit",
            "higher_is_better",
            "is_headline",
            "is_builtin",
            "definition",
            "definition_key",
        )
        read_only_fields = ("id", "is_builtin")
        # Uniqueness is checked by the service (full_clean), with the same message as pages.
        validators: list[Any] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scope_choices(self, programmes=True, metrics=True)

    def get_definition(self, metric: Metric) -> str:
        return builtins.definition_text(metric)

    def get_definition_key(self, metric: Metric) -> str | None:
        return builtins.registered_key(metric)


class SeriesQuerySerializer(serializers.Serializer):
    go_live = serializers.IntegerField(
        required=False, help_text="Limit to this go-live's areas (that you may see)."
    )
    area = serializers.IntegerField(required=False, help_text="One area you may see.")
    role_group = serializers.ChoiceField(choices=RoleGroup.choices, required=False)
    start = BoundedDateField(required=False, help_text="Default: 28 days before `end`.")
    end = BoundedDateField(required=False, help_text="Default: the last day with data.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ("start", "end"):
            day = attrs.get(name)
            if day and not EARLIEST_DAY <= day <= LATEST_DAY:
                raise serializers.ValidationError(
                    {name: f"Choose a date between {EARLIEST_DAY:%Y} and {LATEST_DAY:%Y}."}
                )
        end = attrs.get("end") or dashboard.last_data_day() or timezone.localdate()
        start = attrs.get("start") or end - dt.timedelta(days=dashboard.HISTORY_DAYS)
        if start > end:
            raise serializers.ValidationError({"end": "The end must be on or after the start."})
        if (end - start).days >= MAX_DAYS:
            raise serializers.ValidationError({"end": f"Ask for at most {MAX_DAYS} days."})
        return {**attrs, "start": start, "end": end}


class PointSerializer(serializers.Serializer):
    date = serializers.DateField()
    value = serializers.FloatField(allow_null=True, help_text="null: no extract covered it.")


class MarkerOutSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="m<id> recorded; u/t<id> go-live; r<id> release.")
    kind = MarkerKindField()
    date = serializers.DateField(source="on")
    title = serializers.CharField()
    area_ids = serializers.ListField(child=serializers.IntegerField())


class SeriesSerializer(serializers.Serializer):
    metric = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    higher_is_better = serializers.BooleanField()
    area_ids = serializers.ListField(child=serializers.IntegerField())
    start = serializers.DateField()
    end = serializers.DateField()
    points = PointSerializer(many=True)
    markers = MarkerOutSerializer(many=True)


def _go_live(access: Access, go_live_id: int | None, field: str = "go_live") -> GoLive | None:
    if go_live_id is None:
        return None
    go_live = access.go_lives().filter(pk=go_live_id).first()
    if go_live is None:
        raise serializers.ValidationError(
            {field: "There is no go-live with this id that you can see."}
        )
    return go_live


def _areas(
    access: Access, programme: Programme, go_live: GoLive | None, area_id: int | None
) -> list[Area]:
    """The caller's visible areas of the go-live (or programme), narrowed to ``area_id``."""
    if go_live is not None:
        areas = list(visible_scope(access, go_live))
    else:
        areas = list(access.areas(programme=programme).order_by("pk"))
    if area_id is not None:
        areas = [a for a in areas if a.pk == area_id]
        if not areas:
            raise serializers.ValidationError(
                {"area": "There is no area with this id in scope that you can see."}
            )
    return areas


def _marker_out(
    views: list[markers.MarkerView], area_ids: set[int], start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    return [
        {"key": m.key, "kind": m.kind, "on": m.on, "title": m.title, "area_ids": sorted(m.area_ids)}
        for m in views
        if start <= m.on <= end and m.touches(area_ids)
    ]


@extend_schema_view(
    list=extend_schema(responses={200: MetricSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: MetricSerializer, **ERROR_RESPONSES}),
    create=extend_schema(responses={201: MetricSerializer, **ERROR_RESPONSES}),
    update=extend_schema(responses={200: MetricSerializer, **ERROR_RESPONSES}),
    partial_update=extend_schema(responses={200: MetricSerializer, **ERROR_RESPONSES}),
    destroy=extend_schema(responses={204: None, **ERROR_RESPONSES}),
)
class MetricViewSet(AccessContext, viewsets.ModelViewSet):
    """The metric catalogue of the programmes you can see. Programme managers may add,
    change and delete metrics; built-in metrics, and metrics a ratio is built on, cannot be
    deleted (400 with code ``builtin_metric`` or ``metric_in_use``). History is kept."""

    lookup_value_converter = "int"
    serializer_class = MetricSerializer
    write_capability = Capability.MANAGE_ADOPTION
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Metric]:
        access = api_access(self.request)
        # A ratio's definition names its parts: joined here, not fetched per metric.
        return (
            Metric.objects.filter(programme__in=access.programmes())
            .select_related("numerator", "denominator")
            .order_by("programme_id", "name")
        )

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        self._save(serializer)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        self._save(serializer)

    def _save(self, serializer: serializers.BaseSerializer) -> None:
        access = api_access(self.request)
        data = dict(cast(dict[str, Any], serializer.validated_data))
        metric = cast(Metric | None, serializer.instance)
        if metric is None:
            metric = Metric()
        else:
            data.pop("programme", None)  # a metric stays in its programme
        for name, value in data.items():
            setattr(metric, name, value)
        with service_errors():
            saved = metrics.save_metric(
                access=access, user=signed_in_user(self.request), metric=metric
            )
        serializer.instance = saved

    def perform_destroy(self, instance: Metric) -> None:
        access = api_access(self.request)
        with service_errors():
            metrics.delete_metric(access=access, user=signed_in_user(self.request), metric=instance)

    @extend_schema(
        parameters=[SeriesQuerySerializer],
        responses={200: SeriesSerializer, **ERROR_RESPONSES},
        summary="A metric's daily values over the areas you may see",
    )
    @action(detail=True, methods=["get"])
    @analytics_cache.one_stamp
    def series(self, request: Request, pk: int) -> Response:
        metric: Metric = self.get_object()
        query = SeriesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        access = api_access(request)
        go_live = _go_live(access, params.get("go_live"))
        if go_live is not None and go_live.programme_id != metric.programme_id:
            raise serializers.ValidationError({"go_live": "That go-live is in another programme."})
        areas = _areas(access, metric.programme, go_live, params.get("area"))
        groups = (params["role_group"],) if params.get("role_group") else ()
        ids = tuple(a.pk for a in areas)
        scope = metrics.Scope(ids, params["start"], params["end"], groups)
        values = metrics.series(metric, scope) if ids else [(d, None) for d in scope.days()]
        body = {
            "metric": metric.pk,
            "name": metric.name,
            "unit": metric.unit_label,
            "higher_is_better": metric.higher_is_better,
            "area_ids": list(ids),
            "start": scope.start,
            "end": scope.end,
            "points": [{"date": d, "value": None if v is None else round(v, 4)} for d, v in values],
            "markers": _marker_out(
                markers.visible_markers(access, metric.programme), set(ids), scope.start, scope.end
            ),
        }
        return Response(SeriesSerializer(body).data)


# Recorded change markers.


class ChangeMarkerSerializer(serializers.ModelSerializer):
    areas = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(),
        many=True,
        required=False,
        help_text="Areas the change touched (ones you may manage); empty: whole programme.",
    )
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    kind = MarkerKindField()

    class Meta:
        model = ChangeMarker
        fields = ("id", "programme", "kind", "on", "title", "description", "areas")
        read_only_fields = ("id",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scope_choices(self, programmes=True, areas=True)


@extend_schema_view(
    list=extend_schema(responses={200: ChangeMarkerSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: ChangeMarkerSerializer, **ERROR_RESPONSES}),
    create=extend_schema(responses={201: ChangeMarkerSerializer, **ERROR_RESPONSES}),
    update=extend_schema(responses={200: ChangeMarkerSerializer, **ERROR_RESPONSES}),
    partial_update=extend_schema(responses={200: ChangeMarkerSerializer, **ERROR_RESPONSES}),
    destroy=extend_schema(responses={204: None, **ERROR_RESPONSES}),
)
class ChangeMarkerViewSet(AccessContext, viewsets.ModelViewSet):
    """Recorded changes (configuration changes, training pushes, ...) you may see: whole-
    programme ones and those touching your areas. Go-live and release dates are markers
    too; they appear in series responses with their own keys."""

    lookup_value_converter = "int"
    serializer_class = ChangeMarkerSerializer
    write_capability = Capability.MANAGE_ADOPTION

    def get_queryset(self) -> QuerySet[ChangeMarker]:
        access = api_access(self.request)
        visible = access.areas().values("pk")
        mine = ChangeMarker.objects.filter(programme__in=access.programmes()).filter(
            Q(areas__isnull=True) | Q(areas__in=visible)
        )
        return (
            ChangeMarker.objects.filter(pk__in=mine.values("pk"))
            .prefetch_related("areas")
            .order_by("on", "pk")
        )

    def _fields(self, serializer: serializers.BaseSerializer) -> dict[str, Any]:
        data = cast(dict[str, Any], serializer.validated_data)
        current = cast(ChangeMarker | None, serializer.instance)

        def pick(name: str, default: Any) -> Any:
            return data.get(name, default)

        return {
            "kind": pick("kind", current.kind if current else None),
            "on": pick("on", current.on if current else None),
            "title": pick("title", current.title if current else ""),
            "description": pick("description", current.description if current else ""),
            "areas": pick("areas", list(current.areas.all()) if current else []),
        }

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        access = api_access(self.request)
        programme = cast(dict[str, Any], serializer.validated_data)["programme"]
        if not access.programmes().filter(pk=programme.pk).exists():
            raise serializers.ValidationError(
                {"programme": "There is no programme with this id that you can see."}
            )
        with service_errors():
            serializer.instance = markers.record_marker(
                access=access,
                user=signed_in_user(self.request),
                programme=programme,
                **self._fields(serializer),
            )

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        with service_errors():
            serializer.instance = markers.update_marker(
                access=api_access(self.request),
                marker=cast(ChangeMarker, serializer.instance),
                **self._fields(serializer),
            )

    def perform_destroy(self, instance: ChangeMarker) -> None:
        with service_errors():
            markers.delete_marker(access=api_access(self.request), marker=instance)


# Comparisons.


class ComparisonQuerySerializer(serializers.Serializer):
    metric = serializers.IntegerField()
    marker = serializers.CharField(help_text="A marker key, as in series responses (e.g. m3, u1).")
    go_live = serializers.IntegerField(help_text="The go-live whose areas are compared.")
    area = serializers.IntegerField(required=False, help_text="Only this touched area.")
    days_before = serializers.IntegerField(min_value=3, max_value=180, default=28)
    days_after = serializers.IntegerField(min_value=3, max_value=180, default=28)
    settling_days = serializers.IntegerField(min_value=0, max_value=90, default=7)
    controls = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text=(
            "Control area ids (repeat the parameter), areas of the programme you may see that "
            "the change did not touch. Default: the go-live's areas the change did not touch."
        ),
    )


CONTROLS = "adoption.comparison.controls"
COMPARISON_FIGURES = (
    "adoption.comparison.change",
    CONTROLS,
    "adoption.comparison.did",
    "adoption.comparison.did_relative",
    "adoption.comparison.segmented",
    "adoption.comparison.permutation",
)


def _definition(key: str) -> Any:
    """A figure's definition from the registry, read when the schema is drawn."""
    return lazy(definitions.text, str)(key)


class MeanSerializer(serializers.Serializer):
    value = serializers.FloatField()
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    n = serializers.IntegerField()


class ChangeSerializer(serializers.Serializer):
    before = MeanSerializer()
    after = MeanSerializer()
    absolute = serializers.FloatField()
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    p_value = serializers.FloatField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)
    percent_low = serializers.FloatField(allow_null=True)
    percent_high = serializers.FloatField(allow_null=True)


class EstimateSerializer(serializers.Serializer):
    value = serializers.FloatField()
    se = serializers.FloatField(
        allow_null=True, help_text="Newey–West (HAC) standard error; null: cannot be estimated."
    )
    low = serializers.FloatField(allow_null=True, help_text="95% confidence interval, low end.")
    high = serializers.FloatField(allow_null=True)
    p_value = serializers.FloatField(allow_null=True, help_text="Two-sided.")


class RegressionSerializer(serializers.Serializer):
    level = EstimateSerializer(help_text="The step at the end of the settling period.")
    slope = EstimateSerializer(help_text="The change in the daily trend.")
    n = serializers.IntegerField(help_text="Days with data.")
    maxlags = serializers.IntegerField(help_text="Days of autocorrelation allowed for.")


class PermutationSerializer(serializers.Serializer):
    difference = serializers.FloatField(help_text="Mean after minus mean before.")
    p_value = serializers.FloatField(help_text="Two-sided.")
    permutations = serializers.IntegerField(help_text="Splits of the days tried.")
    exact = serializers.BooleanField(help_text="true: every split was tried.")


class AreaChangeSerializer(serializers.Serializer):
    before = serializers.FloatField(help_text="Mean per day before.")
    after = serializers.FloatField(help_text="Mean per day after.")
    change = serializers.FloatField()
    percent = serializers.FloatField(allow_null=True)


class ControlAreaSerializer(AreaChangeSerializer):
    area_id = serializers.IntegerField()
    area = serializers.CharField()


class DifferenceInDifferencesSerializer(serializers.Serializer):
    treated = AreaChangeSerializer(help_text="The average touched area, on the days compared.")
    control = AreaChangeSerializer(
        allow_null=True,
        help_text="The average control area, on the days compared; null when some control "
        f"areas are ones you cannot see and fewer than {comparisons.FEWEST_POOLED} are "
        "averaged (it would give away an area's own figures).",
    )
    relative = EstimateSerializer(
        allow_null=True, help_text=_definition("adoption.comparison.did_relative")
    )
    absolute = EstimateSerializer(help_text=_definition("adoption.comparison.did"))
    treated_percent = serializers.FloatField(allow_null=True)
    control_percent = serializers.FloatField(
        allow_null=True, help_text="The mean of the control areas' % changes; null as control."
    )
    days = serializers.IntegerField()
    maxlags = serializers.IntegerField()


class ComparisonSerializer(serializers.Serializer):
    metric = serializers.IntegerField()
    marker = serializers.CharField()
    marker_date = serializers.DateField()
    area_ids = serializers.ListField(child=serializers.IntegerField())
    control_area_count = serializers.IntegerField(help_text=_definition(CONTROLS))
    controls_chosen = serializers.BooleanField(
        help_text="true: the controls given; false: the go-live's untouched areas."
    )
    controls_named = serializers.BooleanField(
        help_text="false: some control areas are ones you cannot see, so only pooled figures."
    )
    controls_withheld = serializers.BooleanField(
        help_text="true: one or two control areas are ones you cannot see, so the comparison "
        "with controls (difference_in_differences) is null: it would give their figures away."
    )
    controls = ControlAreaSerializer(
        many=True,
        allow_null=True,
        help_text="Each control area with data, or null when they are not named.",
    )
    summary = serializers.CharField(allow_null=True, help_text="null when a window has no data.")
    change = ChangeSerializer(allow_null=True, help_text=_definition("adoption.comparison.change"))
    regression = RegressionSerializer(
        allow_null=True, help_text=_definition("adoption.comparison.segmented")
    )
    permutation = PermutationSerializer(
        allow_null=True, help_text=_definition("adoption.comparison.permutation")
    )
    difference_in_differences = DifferenceInDifferencesSerializer(
        allow_null=True,
        help_text="null without control areas with data on both sides, or when withheld.",
    )
    definitions = FigureDefinitionSerializer(
        many=True, help_text="The figures' names and definitions."
    )


def _control_areas(
    access: Access, programme: Programme, marker: markers.MarkerView, ids: list[int]
) -> list[Area]:
    """The chosen control areas, checked as the page's form checks them."""
    allowed = {a.pk: a for a in comparisons.programme_areas(access, programme)}
    if any(pk not in allowed for pk in ids):
        raise serializers.ValidationError(
            {"controls": "Choose control areas of this programme that you can see."}
        )
    chosen = [allowed[pk] for pk in dict.fromkeys(ids)]
    with service_errors():
        comparisons.check_controls(marker, chosen)
    return chosen


@extend_schema(
    parameters=[ComparisonQuerySerializer],
    responses={200: ComparisonSerializer, **ERROR_RESPONSES},
    summary="Before and after a change, with control areas",
)
@api_view(["GET"])
def comparison_view(request: Request) -> Response:
    """A metric before and after a marker over the go-live's areas you may see that the
    change touched, against control areas: the go-live's untouched areas, or those given.
    Everyone asking gets the same figures; control areas you cannot see are pooled."""
    query = ComparisonQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    params = dict(query.validated_data)
    access = api_access(request)
    go_live = _go_live(access, params["go_live"])
    assert go_live is not None  # noqa: S101 - go_live is required
    metric = Metric.objects.filter(pk=params["metric"], programme=go_live.programme).first()
    if metric is None:
        raise serializers.ValidationError(
            {"metric": "There is no metric with this id in the go-live's programme."}
        )
    marker = next(
        (
            m
            for m in markers.visible_markers(access, go_live.programme)
            if m.key == params["marker"]
        ),
        None,
    )
    if marker is None:
        raise serializers.ValidationError(
            {"marker": "There is no change with this key that you can see."}
        )
    area = (
        _areas(access, go_live.programme, go_live, params["area"])[0]
        if params.get("area")
        else None
    )
    controls = _control_areas(access, go_live.programme, marker, params.get("controls") or [])
    outcome = comparisons.before_after(
        access, go_live, {**params, "metric": metric, "area": area, "controls": controls}, marker
    )
    if outcome is None:
        raise serializers.ValidationError(
            {"marker": "That change did not touch any of the areas you see."}
        )
    return Response(ComparisonSerializer(_comparison_body(metric, marker, outcome)).data)


def _comparison_body(
    metric: Metric, marker: markers.MarkerView, outcome: comparisons.Outcome
) -> dict[str, Any]:
    result = outcome.result
    rows = [
        {"area_id": row.area.pk, "area": row.area.name, **_area_change(row.figures)}
        for row in outcome.control_rows
        if row.figures is not None
    ]
    return {
        "metric": metric.pk,
        "marker": marker.key,
        "marker_date": marker.on,
        "area_ids": [a.pk for a in outcome.treated],
        "control_area_count": outcome.control_count,
        "controls_chosen": outcome.chosen,
        "controls_named": outcome.named,
        "controls_withheld": outcome.withheld,
        "controls": rows if outcome.named else None,
        "summary": outcome.summary,
        "change": result.change if result else None,
        "regression": result.regression if result else None,
        "permutation": result.permutation if result else None,
        "difference_in_differences": _did(outcome.did, outcome.control_figures)
        if outcome.did
        else None,
        "definitions": [
            {"key": key, "name": definitions.label(key), "definition": definitions.text(key)}
            for key in COMPARISON_FIGURES
        ],
    }


def _area_change(figures: comparison.AreaChange) -> dict[str, Any]:
    return {
        "before": figures.before,
        "after": figures.after,
        "change": figures.change,
        "percent": figures.percent,
    }


def _did(did: comparison.DifferenceInDifferences, control_figures: bool) -> dict[str, Any]:
    return {
        "treated": _area_change(did.treated),
        "control": _area_change(did.control) if control_figures else None,
        "relative": did.relative,
        "absolute": did.absolute,
        "treated_percent": did.treated_percent,
        "control_percent": did.control_percent if control_figures else None,
        "days": did.days,
        "maxlags": did.maxlags,
    }
