// Draws every <canvas data-golive-chart="ID"> from the JSON data island with that id (written
// by templates/_chart.html from golive.charts.Chart). Loaded as a module after the vendored
// Chart.js (a deferred classic script, so window.Chart exists by the time this runs).
// Charts that htmx swaps in later are drawn too.

const NHS_COLOURS = ['#005eb8', '#ffb81c', '#007f3b', '#d5281b', '#330072', '#ae2573', '#00a499', '#768692']

// Vertical lines for change markers (go-lives, releases, configuration changes).
const markerPlugin = {
  id: 'goliveMarkers',
  afterDatasetsDraw (chart, _args, options) {
    const markers = options.markers || []
    const xScale = chart.scales.x
    const { top, bottom } = chart.chartArea
    const context = chart.ctx
    for (const marker of markers) {
      const index = chart.data.labels.indexOf(marker.at)
      if (index < 0) continue
      const x = xScale.getPixelForValue(index)
      context.save()
      context.strokeStyle = '#425563'
      context.setLineDash([4, 4])
      context.beginPath()
      context.moveTo(x, top)
      context.lineTo(x, bottom)
      context.stroke()
      context.fillStyle = '#212b32'
      context.font = '12px Arial, sans-serif'
      context.fillText(marker.text, x + 4, top + 12)
      context.restore()
    }
  }
}

function draw (canvas) {
  if (canvas.dataset.goliveDrawn || typeof window.Chart === 'undefined') return
  const island = document.getElementById(canvas.dataset.goliveChart)
  if (!island) return
  const spec = JSON.parse(island.textContent)
  canvas.dataset.goliveDrawn = 'true'
  const datasets = spec.series.map((series, index) => ({
    label: series.label,
    data: series.values,
    borderColor: NHS_COLOURS[index % NHS_COLOURS.length],
    backgroundColor: NHS_COLOURS[index % NHS_COLOURS.length],
    borderDash: series.dashed ? [6, 4] : [],
    pointRadius: spec.labels.length > 40 ? 0 : 3,
    spanGaps: false,
    borderWidth: 2
  }))
  // eslint-disable-next-line no-new
  new window.Chart(canvas, {
    type: spec.kind,
    data: { labels: spec.labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: spec.stacked, ticks: { autoSkip: true, maxRotation: 0 } },
        y: {
          stacked: spec.stacked,
          beginAtZero: true,
          title: { display: Boolean(spec.yLabel), text: spec.yLabel }
        }
      },
      plugins: { goliveMarkers: { markers: spec.markers } }
    },
    plugins: [markerPlugin]
  })
}

function drawAll (root) {
  for (const canvas of root.querySelectorAll('canvas[data-golive-chart]')) {
    draw(canvas)
  }
}

drawAll(document)
document.addEventListener('htmx:load', (event) => {
  if (event.target instanceof Element) drawAll(event.target)
})
