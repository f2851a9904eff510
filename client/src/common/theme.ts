/** Naive UI theme for the command centre: dark, high contrast, large figures. */
import {
  alertDark,
  buttonDark,
  cardDark,
  checkboxDark,
  commonDark,
  dataTableDark,
  datePickerDark,
  descriptionsDark,
  dialogDark,
  dropdownDark,
  emptyDark,
  formDark,
  inputDark,
  inputNumberDark,
  internalSelectMenuDark,
  messageDark,
  modalDark,
  popconfirmDark,
  popoverDark,
  radioDark,
  scrollbarDark,
  selectDark,
  spinDark,
  switchDark,
  tabsDark,
  tagDark,
  timePickerDark,
  tooltipDark,
  treeDark,
  type GlobalTheme,
  type GlobalThemeOverrides,
} from 'naive-ui';

export const FONT_FAMILY =
  "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', system-ui, sans-serif";
export const FONT_FAMILY_MONO = "'Noto Sans Mono CJK SC', 'DejaVu Sans Mono', ui-monospace, monospace";

export const themeOverrides: GlobalThemeOverrides = {
  common: {
    fontFamily: FONT_FAMILY,
    fontFamilyMono: FONT_FAMILY_MONO,
    fontSize: '15px',
    bodyColor: '#0a1220',
    cardColor: '#101c30',
    // Dialogs a step lighter than the cards beneath them, in the same blue.
    modalColor: '#13223b',
    tableColor: '#101c30',
    borderColor: '#22324d',
    textColor1: '#f2f6fc',
    textColor2: '#d5deeb',
    textColor3: '#9aabc4',
    primaryColor: '#3ea6ff',
    primaryColorHover: '#67b9ff',
    primaryColorPressed: '#1f8ae6',
    successColor: '#2fd27c',
    warningColor: '#ffb020',
    errorColor: '#ff5a5a',
  },
  Card: { borderRadius: '6px', titleFontSizeSmall: '18px' },
  DataTable: { thColor: '#152440', tdColor: '#101c30', tdColorHover: '#16264a', fontSizeMedium: '15px' },
};

/**
 * Naive UI's dark theme for the components this app uses, and only those: `darkTheme` itself
 * pulls in the dark styles of all ~90 components (tens of KB of gzip on every screen).
 * A component missing here would render in the light theme: add its `xxxDark` when you use it.
 */
export const appDarkTheme: GlobalTheme = {
  name: 'dark',
  common: commonDark,
  Alert: alertDark,
  Button: buttonDark,
  Card: cardDark,
  Checkbox: checkboxDark,
  DataTable: dataTableDark,
  DatePicker: datePickerDark,
  Descriptions: descriptionsDark,
  Dialog: dialogDark,
  Dropdown: dropdownDark,
  Empty: emptyDark,
  Form: formDark,
  Input: inputDark,
  InputNumber: inputNumberDark,
  InternalSelectMenu: internalSelectMenuDark,
  Message: messageDark,
  Modal: modalDark,
  Popconfirm: popconfirmDark,
  Popover: popoverDark,
  Radio: radioDark,
  Scrollbar: scrollbarDark,
  Select: selectDark,
  Spin: spinDark,
  Switch: switchDark,
  Tabs: tabsDark,
  Tag: tagDark,
  TimePicker: timePickerDark,
  Tooltip: tooltipDark,
  Tree: treeDark,
};
