// The runs table's page: a filter, grouping by configuration (mean ± std over seeds), a table
// sortable by any column with a checkbox per row, Compare (the selected runs' curves, in the
// comparison panel) and Export CSV (what the table shows), then a parallel-coordinates chart of
// the hyperparameters that vary against the test accuracy and a scatter of one of them against
// it. Native controls throughout: the keyboard reaches each, and a screen reader names each.
import {
  applyFilter,
  COLUMNS,
  type Column,
  type ColumnKey,
  DEFAULT_SORT,
  groupRuns,
  HYPERPARAMETERS,
  parseFilter,
  RESULTS,
  type RunGroup,
  type RunRow,
  type RunsToHost,
  type RunsViewState,
  sortRows,
  spreadText,
} from '../../../src/protocol/runsTable';
import { plural } from '../../../src/protocol/format';
import { button } from '../buttons';
import { breakable, fill, h } from '../dom';
import { scrollBox } from '../tables';
import { AXIS_COLUMNS, parallelCoordinates, scatterPlot } from './runsCharts';

/** What the page keeps across its reloads. */
export interface RunsState extends RunsViewState {
  selected: string[];
  scatterX: ColumnKey;
}

export interface RunsHost {
  send(message: RunsToHost): void;
  save(state: RunsState): void;
}

const FILTER_EXAMPLE = 'accuracy >= 0.98, units = 64';

function restored(state: RunsState | undefined): RunsState {
  const fresh: RunsState = { filter: '', sort: DEFAULT_SORT, grouped: false, selected: [], scatterX: 'learningRate' };
  if (!state || typeof state.filter !== 'string' || !Array.isArray(state.selected)) return fresh;
  return { ...fresh, ...state, sort: COLUMNS.some((c) => c.key === state.sort?.key) ? state.sort : DEFAULT_SORT };
}

export class RunsView {
  private readonly state: RunsState;
  private rows: RunRow[] = [];
  private chartWidth = 0;
  private readonly subtitle = h('p', { id: 'runs-folder', className: 'muted' });
  private readonly filterInput = h('input', {
    id: 'runs-filter',
    className: 'text-input',
    attrs: { type: 'text', placeholder: FILTER_EXAMPLE, 'aria-describedby': 'runs-filter-problem', spellcheck: 'false' },
  });
  private readonly filterProblem = h('p', { id: 'runs-filter-problem', className: 'error', attrs: { role: 'status' } });
  private readonly groupBox = h('input', { id: 'runs-group', attrs: { type: 'checkbox' } });
  private readonly compareButton = button('Compare Selected', () => this.host.send({ type: 'compare', paths: this.selectedShown() }), {
    id: 'runs-compare',
  });
  private readonly summary = h('p', { id: 'runs-summary', className: 'muted', attrs: { role: 'status' } });
  private readonly tableBox = h('div', { id: 'runs-table-box' });
  private readonly parallel = h('div', { id: 'runs-parallel', className: 'svg-chart' });
  private readonly scatterSelect = h('select', { id: 'runs-scatter-x', className: 'text-input' });
  private readonly scatter = h('div', { id: 'runs-scatter', className: 'svg-chart' });

  constructor(
    root: HTMLElement,
    saved: RunsState | undefined,
    private readonly host: RunsHost,
  ) {
    this.state = restored(saved);
    this.filterInput.value = this.state.filter;
    this.groupBox.checked = this.state.grouped;
    this.filterInput.addEventListener('input', () => this.change({ filter: this.filterInput.value }));
    this.groupBox.addEventListener('change', () => this.change({ grouped: this.groupBox.checked }));
    for (const c of AXIS_COLUMNS) this.scatterSelect.append(new Option(c.title, c.key, false, c.key === this.state.scatterX));
    this.scatterSelect.addEventListener('change', () => this.change({ scatterX: this.scatterSelect.value as ColumnKey }));
    // Drawn at the box's width: again when the width changes (its height follows what is drawn).
    new ResizeObserver(() => this.parallel.clientWidth !== this.chartWidth && this.drawCharts()).observe(this.parallel);
    fill(
      root,
      h(
        'section',
        { attrs: { 'aria-labelledby': 'runs-title' } },
        h('h2', { id: 'runs-title' }, 'Runs'),
        this.subtitle,
        h(
          'div',
          { className: 'runs-controls' },
          h('label', { attrs: { for: 'runs-filter' } }, 'Filter'),
          this.filterInput,
          h('label', { className: 'check' }, this.groupBox, ' Group by configuration (mean ± std over seeds)'),
          h(
            'div',
            { className: 'actions' },
            this.compareButton,
            button('Export CSV', () => this.host.send({ type: 'exportCsv', view: this.viewState() }), {
              id: 'runs-export',
              secondary: true,
            }),
          ),
        ),
        this.filterProblem,
        this.summary,
        this.tableBox,
        h('h3', { id: 'runs-parallel-title' }, 'Hyperparameters and test accuracy'),
        this.parallel,
        h('h3', { id: 'runs-scatter-title' }, 'Test accuracy against one hyperparameter'),
        h('label', { attrs: { for: 'runs-scatter-x' } }, 'Hyperparameter '),
        this.scatterSelect,
        this.scatter,
      ),
    );
  }

  setRows(rows: RunRow[], folder: string): void {
    this.rows = rows;
    fill(this.subtitle, `${plural(rows.length, 'run')} in `, breakable(folder));
    // Runs deleted on disk leave the selection.
    const paths = new Set(rows.map((r) => r.path));
    this.state.selected = this.state.selected.filter((p) => paths.has(p));
    this.render();
  }

  private viewState(): RunsViewState {
    return { filter: this.state.filter, sort: this.state.sort, grouped: this.state.grouped };
  }

  private change(part: Partial<RunsState>): void {
    Object.assign(this.state, part);
    this.host.save(this.state);
    this.render();
  }

  /** The rows the filter lets through, sorted; the filter's problem, if it has one. */
  private shown(): { rows: RunRow[]; problem?: string } {
    const filter = parseFilter(this.state.filter);
    if ('problem' in filter) return { rows: sortRows(this.rows, this.state.sort), problem: filter.problem };
    return { rows: sortRows(applyFilter(this.rows, filter.conditions), this.state.sort) };
  }

  private selectedShown(): string[] {
    const shown = new Set(this.shown().rows.map((r) => r.path));
    return this.state.selected.filter((p) => shown.has(p));
  }

  private render(): void {
    // The table is drawn anew: the control that had the focus (a row's box, a sort button) gets it back.
    const focusKey = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
    this.draw();
    if (focusKey) this.tableBox.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
  }

  private draw(): void {
    const { rows, problem } = this.shown();
    this.filterProblem.textContent = problem ? `The filter is ignored: ${problem}.` : '';
    this.filterProblem.hidden = !problem;
    this.filterInput.setAttribute('aria-invalid', String(problem !== undefined));
    const selected = this.selectedShown().length;
    this.compareButton.disabled = selected < 2;
    const groups = this.state.grouped ? groupRuns(rows) : undefined;
    fill(
      this.summary,
      `${plural(rows.length, 'run')} shown of ${this.rows.length}` +
        (groups ? ` in ${plural(groups.length, 'configuration')}` : '') +
        ` · ${selected} selected${selected < 2 ? ' (select two or more to compare)' : ''}`,
    );
    fill(this.tableBox, scrollBox(groups ? this.groupTable(groups) : this.runTable(rows), 'tall'));
    this.drawCharts();
  }

  private drawCharts(): void {
    const { rows } = this.shown();
    const selected = new Set(this.state.selected);
    const width = (this.chartWidth = this.parallel.clientWidth);
    fill(this.parallel, parallelCoordinates(rows, selected, width));
    fill(this.scatter, scatterPlot(rows, selected, AXIS_COLUMNS.find((c) => c.key === this.state.scatterX) ?? AXIS_COLUMNS[0], width));
  }

  /** A column header that sorts by its column: once ascending (descending for results), again the other way. */
  private header(c: Column): HTMLTableCellElement {
    const sorted = this.state.sort.key === c.key;
    const direction = sorted ? (this.state.sort.descending ? 'descending' : 'ascending') : 'none';
    const sortButton = h(
      'button',
      { className: 'sort', attrs: { 'data-focus-key': `sort:${c.key}` } },
      c.title,
      sorted ? (this.state.sort.descending ? ' ▼' : ' ▲') : '',
    );
    sortButton.addEventListener('click', () =>
      this.change({ sort: { key: c.key, descending: sorted ? !this.state.sort.descending : c.role === 'result' } }),
    );
    return h('th', { attrs: { scope: 'col', 'aria-sort': direction } }, sortButton);
  }

  private checkbox(label: string, paths: string[]): HTMLElement {
    const box = h('input', { attrs: { type: 'checkbox', 'aria-label': label, 'data-focus-key': `select:${paths.join('|')}` } });
    box.checked = paths.every((p) => this.state.selected.includes(p));
    box.addEventListener('change', () => {
      const others = this.state.selected.filter((p) => !paths.includes(p));
      this.change({ selected: box.checked ? [...others, ...paths] : others });
    });
    return h('td', { className: 'select' }, box);
  }

  private runTable(rows: RunRow[]): HTMLTableElement {
    const [nameColumn, ...columns] = COLUMNS;
    return h(
      'table',
      { id: 'runs-table', className: 'metrics runs' },
      h('caption', {}, 'Every run of the weights folder. A column header sorts by it; the boxes select runs to compare.'),
      h('thead', {}, h('tr', {}, h('td', { className: 'select' }), this.header(nameColumn), ...columns.map((c) => this.header(c)))),
      h(
        'tbody',
        {},
        ...rows.map((r) =>
          h(
            'tr',
            { className: this.state.selected.includes(r.path) ? 'selected' : undefined },
            this.checkbox(`Select ${r.name}`, [r.path]),
            h('th', { attrs: { scope: 'row' } }, breakable(r.name)),
            ...columns.map((c) => h('td', {}, c.format(r[c.key]))),
          ),
        ),
      ),
    );
  }

  private groupTable(groups: RunGroup[]): HTMLTableElement {
    return h(
      'table',
      { id: 'runs-groups', className: 'metrics runs' },
      h('caption', {}, 'Runs that differ only in their seed, as one row: each result’s mean ± standard deviation over the seeds.'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('td', { className: 'select' }),
          ...HYPERPARAMETERS.map((c) => this.header(c)),
          h('th', { attrs: { scope: 'col' } }, 'seeds'),
          ...RESULTS.map((c) => this.header(c)),
        ),
      ),
      h(
        'tbody',
        {},
        ...groups.map((g) => {
          const name = HYPERPARAMETERS.map((c) => `${c.title} ${c.format(g.config[c.key])}`).join(', ');
          return h(
            'tr',
            {},
            this.checkbox(
              `Select the ${plural(g.runs.length, 'run')} of ${name}`,
              g.runs.map((r) => r.path),
            ),
            ...HYPERPARAMETERS.map((c, i) =>
              i === 0 ? h('th', { attrs: { scope: 'row' } }, c.format(g.config[c.key])) : h('td', {}, c.format(g.config[c.key])),
            ),
            h('td', { title: `seeds ${g.seeds.join(', ')}` }, String(g.runs.length)),
            ...RESULTS.map((c) => h('td', {}, spreadText(c, g.results[c.key]))),
          );
        }),
      ),
    );
  }
}
