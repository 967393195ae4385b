import { patch } from "@web/core/utils/patch";
import { GraphModel } from "@web/views/graph/graph_model";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

/**
 * Graphs whose series are client statuses (a bar or line graph grouped, after its x axis,
 * by a many2one to partner.lifecycle.status: the status changes, a report grouped by
 * status) draw each status in its own colour, the colour of its tag and badge. The colour
 * index (1 to 11, set by the colour picker) is taken in Odoo's tag colours ($o-colors of
 * web/static/src/scss/secondary_variables.scss); a status without a colour (0) keeps the
 * graph's own palette.
 */
export const STATUS_MODEL = "partner.lifecycle.status";
export const TAG_COLORS = [
    "#a2a2a2",
    "#ee2d2d",
    "#dc8534",
    "#e8bb1d",
    "#5794dd",
    "#9f628f",
    "#db8865",
    "#41a9a2",
    "#304be0",
    "#ee2f8a",
    "#61c36e",
    "#9872e6",
];

/** The position in ``groupBy`` (the x axis excluded) of a grouping by status, or -1. */
function statusGroupIndex(metaData) {
    const { fields, groupBy } = metaData;
    return groupBy.findIndex(
        (gb, index) => index > 0 && fields[gb.fieldName]?.relation === STATUS_MODEL
    );
}

patch(GraphModel.prototype, {
    async _loadDataPoints(metaData) {
        const dataPoints = await super._loadDataPoints(...arguments);
        this.lifecycleStatusColors = {};
        if (metaData.mode !== "pie" && statusGroupIndex(metaData) > 0) {
            const statuses = await this.orm.searchRead(STATUS_MODEL, [], ["color"], {
                context: { active_test: false },
            });
            for (const status of statuses) {
                this.lifecycleStatusColors[status.id] = status.color;
            }
        }
        return dataPoints;
    },
});

patch(GraphRenderer.prototype, {
    /** The tag colour of the status of ``dataset``'s series, or null. */
    lifecycleStatusColor(dataset) {
        const metaData = this.model.metaData;
        const index = statusGroupIndex(metaData);
        const [identifier] = dataset.identifiers || [];
        if (index <= 0 || !identifier) {
            return null;
        }
        const value = Object.values(JSON.parse(identifier)[index])[0];
        const color = value && (this.model.lifecycleStatusColors || {})[value[0]];
        return color ? TAG_COLORS[color % TAG_COLORS.length] : null;
    },

    getBarChartData() {
        const data = super.getBarChartData(...arguments);
        for (const dataset of this.model.data.datasets) {
            const color = this.lifecycleStatusColor(dataset);
            if (color) {
                dataset.backgroundColor = color;
            }
        }
        return data;
    },

    getLineChartData() {
        const data = super.getLineChartData(...arguments);
        for (const dataset of data.datasets) {
            const color = this.lifecycleStatusColor(dataset);
            if (color) {
                Object.assign(dataset, {
                    borderColor: color,
                    hoverBackgroundColor: color,
                    pointBackgroundColor: color,
                });
            }
        }
        return data;
    },
});
